// Typed use of the Insly spec from TypeScript (see rentalcover.ts).
import type { operations } from "../../target/ts/insly";

type Update = operations["updatePolicy"];
type Adjustment = Update["requestBody"]["content"]["application/json"];
type Result = Update["responses"][200]["content"]["application/json"];

export const adjustment: Adjustment = {
  policy_oid: 10985815,
  customer_oid: 10985801,
  mta_type: 2,
  effective_date: "",
  birthdate: "10/12/1988",
  home_policy_excess: 300,
  products: { combined: ["personal_possessions", "core"] },
};

// @ts-expect-error policy_oid is required.
export const missing: Adjustment = { customer_oid: 10985801 };

// `response` is the re-priced policy, or (with status 0) the refusal as text, or [] / null.
type Reply = NonNullable<Result["response"]>;
type Accepted = Exclude<Reply, string | unknown[]>;

function accepted(result: Result): Accepted | undefined {
  const reply = result.response;
  if (reply === null || reply === undefined || typeof reply === "string" || Array.isArray(reply)) {
    return undefined;
  }
  return reply;
}

export function payable(result: Result): string | number | null | undefined {
  // Positive is payable now, negative a refund; PHP may send it as a string.
  return accepted(result)?.mta_payable;
}

export function refusal(result: Result): string | undefined {
  // A 200 can refuse: status 0 with the reason as text, or declined: true.
  const reply = result.response;
  if (String(result.status) === "0") {
    return typeof reply === "string" ? reply : "refused";
  }
  return accepted(result)?.declined === true ? "declined" : undefined;
}

// @ts-expect-error `response` may be a string: narrow it before reading members.
export const unchecked = (result: Result) => result.response?.mta_payable;

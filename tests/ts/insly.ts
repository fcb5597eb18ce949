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

export function payable(result: Result): string | number | null | undefined {
  // Positive is payable now, negative a refund; PHP may send it as a string.
  return result.response?.mta_payable;
}

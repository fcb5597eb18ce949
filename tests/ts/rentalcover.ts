// Typed use of the RentalCover spec from TypeScript (types by openapi-typescript into
// target/ts/). Checked with `tsc --noEmit --strict` by scripts/check-specs.sh.
import type { operations } from "../../target/ts/rentalcover";

type Quote = operations["updateInsurance"];
type Change = Quote["requestBody"]["content"]["application/json"];
type Policy = Quote["responses"][200]["content"]["application/json"];
type Customer = operations["updateCustomer"];

export const path: Quote["parameters"]["path"] = { Reference: "AB12-345C-INS" };

export const quote: Change = {
  QuoteOnly: 1,
  FromDate: "2026-12-01 10:00:00",
  ToDate: "2026-12-05 10:00:00",
  FirstName: "Jack",
  LastName: null,
  Email: "jacksmith@myemail.com.au",
  Country: "AU",
  VehicleTypes: "car,motorhome",
  PartnerData: { securitytoken: "abc" },
};

// @ts-expect-error QuoteOnly is 0 or 1, nothing else.
export const wrong: Change = { ...quote, QuoteOnly: 2 };

export function totalOf(policy: Policy): string | number {
  // Amounts may come as numbers or as strings ("60.00"): both are in the type. The
  // answer always carries TotalAmount (required): a quote is priced from it.
  return policy.TotalAmount;
}

export function statusOf(policy: Policy): string | undefined {
  return policy.Status ?? undefined;
}

export const newEmail: Customer["requestBody"]["content"]["application/json"] = {
  AgentReference: "LIUI-HQS7-INS",
  Email: "john.doe@example.com",
  NewEmail: "john.doe@example.net",
};

export function emailOf(
  response: Customer["responses"][200]["content"]["application/json"],
): string | null | undefined {
  return response.Customer?.Email;
}

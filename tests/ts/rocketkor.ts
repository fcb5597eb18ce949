// Typed use of the RocketKOR spec from TypeScript (see rentalcover.ts).
import type { operations } from "../../target/ts/rocketkor";

type Update = operations["updateIndividualCustomer"];
type Profile = Update["requestBody"]["content"]["application/json"];
type Customer = Update["responses"][200]["content"]["application/json"];

export const customerId: Update["parameters"]["path"]["customerId"] = "0e01f271-80b1-4724-b5dc-6959c7cd88dc";

export const profile: Profile = {
  middleName: null,
  pronoun: "She/Her",
  addresses: [
    {
      type: "SHIPPING",
      name: { firstName: "Sarah", lastName: "Green" },
      streetLine1: "1 Harbour Road",
      cityName: "Boston",
      stateCode: "MA",
      countryCode: "USA",
      zipCode: "02110",
      primary: true,
    },
  ],
  metadata: { customerRefId: "200000777" },
  primaryPhoneNumber: { number: "+16175550100" },
};

// @ts-expect-error an address needs streetLine1 and zipCode.
export const incomplete: Profile = { addresses: [{ type: "MAILING" }] };

export function primaryShipping(customer: Customer): string | null | undefined {
  return customer.addresses?.find((a) => a.type === "SHIPPING" && a.primary === true)?.streetLine1;
}

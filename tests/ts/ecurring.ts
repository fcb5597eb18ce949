// Typed use of the eCurring spec from TypeScript (see rentalcover.ts).
import type { operations } from "../../target/ts/ecurring";

type Update = operations["updateCustomer"];
type Document = Update["requestBody"]["content"]["application/vnd.api+json"];
type Customer = Update["responses"][200]["content"]["application/vnd.api+json"];

export const id: Update["parameters"]["path"]["id"] = "1";

export const move: Document = {
  data: {
    type: "customer",
    id: "1",
    attributes: { street: "Payment lane", house_number: "1", middle_name: null },
  },
};

// @ts-expect-error gender is m or f.
export const wrongGender: Document = { data: { type: "customer", id: "1", attributes: { gender: "x" } } };

export function cityOf(customer: Customer): string | null | undefined {
  return customer.data?.attributes?.city;
}

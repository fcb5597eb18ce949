//! Coverage-guided fuzzing of response decoding: any bytes, decoded as each operation's
//! generated response type, must return (Ok or an error), never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_bindings::{ecurring, insly, rentalcover, rocketkor};

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let _ = match which % 5 {
        0 => serde_json::from_slice::<rentalcover::types::UpdateInsuranceResponse>(body).map(drop),
        1 => serde_json::from_slice::<rentalcover::types::UpdateCustomerResponse>(body).map(drop),
        2 => serde_json::from_slice::<insly::types::UpdatePolicyResponse>(body).map(drop),
        3 => serde_json::from_slice::<ecurring::types::CustomerDocument>(body).map(drop),
        _ => serde_json::from_slice::<rocketkor::types::IndividualCustomer>(body).map(drop),
    };
});

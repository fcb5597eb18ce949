//! Coverage-guided fuzzing of the sandbox's request handling: any body, for each
//! operation, with a right or wrong Content-Type and credential, must get an answer below
//! 500, never a panic or a hang.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use partner_bindings::sandbox::Sandbox;

struct World {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(Sandbox::start()).unwrap();
        World { runtime, sandbox }
    })
}

const OPERATIONS: [(&str, &str, &str, (&str, &str)); 5] = [
    (
        "POST",
        "/rentalcover/insurances/update/AB12-345C-INS",
        "application/json",
        ("x_api_key", "sandbox-key"),
    ),
    (
        "POST",
        "/rentalcover/insurances/updateCustomer",
        "application/json",
        ("x_api_key", "sandbox-key"),
    ),
    (
        "POST",
        "/insly/api/policy/update",
        "application/json",
        ("authorization", "Bearer sandbox-token"),
    ),
    (
        "PATCH",
        "/ecurring/customers/1",
        "application/vnd.api+json",
        ("x-authorization", "sandbox-key"),
    ),
    (
        "PUT",
        "/rocketkor/v1/customers/0e01f271-80b1-4724-b5dc-6959c7cd88dc",
        "application/json",
        ("authorization", "Bearer sandbox-token"),
    ),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let (method, path, media, (auth, credential)) = OPERATIONS[selector as usize % 5];
    let mut request = axum::http::Request::builder().method(method).uri(path);
    if selector / 5 % 2 == 0 {
        request = request.header("content-type", media);
    } else {
        request = request.header("content-type", "text/plain");
    }
    if selector / 10 % 2 == 0 {
        request = request.header(auth, credential);
    }
    let request = request.body(axum::body::Body::from(body.to_vec())).unwrap();
    let world = world();
    let response = world
        .runtime
        .block_on(world.sandbox.handle_in_process(request));
    assert!(
        response.status().as_u16() < 500,
        "status {}",
        response.status()
    );
});

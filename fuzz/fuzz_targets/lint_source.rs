//! Arbitrary bytes; when they are UTF-8, lint them as one file under both editions whose
//! rules differ. `lint_source` must return: a panic (even one it catches and turns into an
//! "internal error" diagnostic: libfuzzer-sys's panic hook aborts first) or a stack overflow
//! is a crash.

#![no_main]

use async_lint::{Edition, Settings, lint_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for edition in [Edition::E2021, Edition::E2024] {
        let mut settings = Settings::default();
        settings.edition = edition;
        for diagnostic in lint_source("fuzz.rs", text, &settings) {
            assert!(
                !diagnostic.message.starts_with("internal error"),
                "{}",
                diagnostic.message
            );
        }
    }
});

//! End-to-end tests of the desktop app live in `e2e/`; this crate has no
//! library code of its own.

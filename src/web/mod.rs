//! The server-rendered HTML interface.

pub mod i18n;

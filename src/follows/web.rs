//! HTML pages (see web/).

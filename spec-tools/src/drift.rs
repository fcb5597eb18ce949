//! Drift check against provider pages (work in progress).

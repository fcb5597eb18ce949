//! Breaking-change classifier (work in progress).

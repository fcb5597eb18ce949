//! Corpus runner (being written).

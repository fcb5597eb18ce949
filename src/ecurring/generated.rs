// The client progenitor generated from specs/ecurring.yaml (see build.rs). Never edit.
include!(concat!(env!("OUT_DIR"), "/ecurring.rs"));

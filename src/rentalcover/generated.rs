// The client progenitor generated from specs/rentalcover.yaml (see build.rs). Never edit.
include!(concat!(env!("OUT_DIR"), "/rentalcover.rs"));

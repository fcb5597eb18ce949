// The client progenitor generated from specs/insly.yaml (see build.rs). Never edit.
include!(concat!(env!("OUT_DIR"), "/insly.rs"));

// The client progenitor generated from specs/rocketkor.yaml (see build.rs). Never edit.
include!(concat!(env!("OUT_DIR"), "/rocketkor.rs"));

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod transport;
pub mod wire;

#[cfg(feature = "ecurring")]
pub mod ecurring;
#[cfg(feature = "insly")]
pub mod insly;
#[cfg(feature = "rentalcover")]
pub mod rentalcover;
#[cfg(feature = "rocketkor")]
pub mod rocketkor;

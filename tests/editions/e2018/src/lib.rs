include!("../../shared.rs");

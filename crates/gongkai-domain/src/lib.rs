//! Pure rules and types of gongkai (政务公开): no IO, no async, no clock.
//!
//! Every legal fact implemented here is taken from the project's rules folder
//! (`catalog.md`, `personal-data.md`, `applications.md`, `calendar/*.toml`).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

/// Declares a fieldless enum with a stable ASCII name (`as_str`, also its serde name),
/// a Simplified Chinese label (`label_zh`) and, for what the public portal shows, an English
/// label (`label_en`, the Chinese one where none is given); `parse` accepts the name or the
/// Chinese label.
macro_rules! str_enum {
    (@en $zh:literal) => { $zh };
    (@en $zh:literal, $en:literal) => { $en };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $s:literal, $zh:literal $(, $en:literal)?;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $s)]
                $variant,
            )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($s),+].len()] = [$($name::$variant),+];

            /// Stable ASCII name, used in URLs, the database and serde.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s,)+
                }
            }

            /// Simplified Chinese label shown to users.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }

            /// English label shown to readers who chose English.
            pub const fn label_en(self) -> &'static str {
                match self {
                    $($name::$variant => str_enum!(@en $zh $(, $en)?),)+
                }
            }

            /// Parses the ASCII name or the Chinese label (surrounding whitespace ignored).
            pub fn parse(raw: &str) -> Option<Self> {
                let raw = raw.trim();
                $(
                    if raw == $s || raw == $zh {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = crate::error::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| crate::error::UnknownValue {
                    type_name: stringify!($name),
                    value: s.to_owned(),
                })
            }
        }
    };
}

pub mod application;
pub mod audit;
pub mod calendar;
pub mod docnum;
pub mod error;
pub mod index_number;
pub mod item;
pub mod org;
pub mod pagination;
pub mod pii;
pub mod role;
pub mod taxonomy;
pub mod workplan;

pub use error::{FieldError, UnknownValue};

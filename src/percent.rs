//! Percent-encoding for link fragments, relay templates and API paths, through the
//! `percent-encoding` crate: [`COMPONENT`] keeps the RFC 3986 unreserved set as is.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte but `A-Z a-z 0-9 - . _ ~` is encoded. JavaScript's `encodeURIComponent` also keeps
/// `!'()*`; encoding those too is something every decoder accepts.
pub const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes every byte outside `A-Z a-z 0-9 - . _ ~` as `%XX` (uppercase hex).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Decodes `%XX` escapes and `+` as a space (form encoding, as query strings use it).
/// A malformed escape is kept literally rather than refused: links are typed by people; bytes
/// that are not UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    // `+` is a space only where it was typed: an encoded `%2B` stays a plus sign.
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    /// The hand-written encoder and decoder this module replaced, kept as the oracle for
    /// [`the_crate_encodes_and_decodes_as_the_hand_written_code_did`].
    mod hand_written {
        pub fn encode(text: &str) -> String {
            let mut out = String::with_capacity(text.len());
            for byte in text.bytes() {
                if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                    out.push(byte as char);
                } else {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            out
        }

        /// Decodes `%XX` escapes and `+` as a space (form encoding, as query strings use it).
        /// A malformed escape is kept literally rather than refused: links are typed by people.
        pub fn decode(text: &str) -> String {
            let bytes = text.as_bytes();
            let mut out = Vec::with_capacity(bytes.len());
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(hi), Some(lo)) => {
                            out.push(hi * 16 + lo);
                            i += 3;
                            continue;
                        }
                        _ => out.push(b'%'),
                    },
                    b'+' => out.push(b' '),
                    other => out.push(other),
                }
                i += 1;
            }
            String::from_utf8_lossy(&out).into_owned()
        }

        fn hex(byte: u8) -> Option<u8> {
            (byte as char).to_digit(16).map(|d| d as u8)
        }
    }

    const TRICKY: &[&str] = &[
        "",
        "plain",
        "a b+c",
        "100%",
        "%",
        "%%",
        "%4",
        "%41",
        "%4g",
        "%g4",
        "%+4",
        "%2+",
        "%2B",
        "%2b%20x",
        "a%2Fb/c?d=e&f#g",
        "-._~!*'();:@&=+$,/?#[]",
        "Sup3r-s3cret-Value!",
        "ünïcödé € 𝄞",
        "%C3%A9",
        "%E2%82",
        "%FF%FE",
        "\u{0}\t\n\r\u{7f}",
        "https://acme.nicecxone.com/api/v2/agents/states",
        "caf\u{e9}%e9",
    ];

    #[test]
    fn the_crate_encodes_and_decodes_as_the_hand_written_code_did() {
        for text in TRICKY {
            assert_eq!(
                super::encode(text),
                hand_written::encode(text),
                "encode {text:?}"
            );
            assert_eq!(
                super::decode(text),
                hand_written::decode(text),
                "decode {text:?}"
            );
            let encoded = super::encode(text);
            assert_eq!(super::decode(&encoded), *text, "round trip {text:?}");
        }
        for byte in 0..=255u8 {
            let text = format!("%{byte:02X}%{byte:02x}+{}", byte as char);
            assert_eq!(
                super::decode(&text),
                hand_written::decode(&text),
                "{text:?}"
            );
            assert_eq!(
                super::encode(&text),
                hand_written::encode(&text),
                "{text:?}"
            );
        }
    }
}

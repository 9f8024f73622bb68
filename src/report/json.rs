//! **Download JSON**: the whole tree in a versioned envelope (see `docs/report-schema.md`).

use super::scrub::Scrubber;
use super::{GENERATED_BY, REPORT_SCHEMA, REPORT_SCHEMA_VERSION};
use crate::engine::Tree;
use crate::inputs::{Field, Form};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The full `tree`, pretty-printed, in the versioned envelope:
/// `{"schema", "schema_version", "page_version", "generated_by", "inputs", "diagnosis"}`.
///
/// `inputs` holds the non-secret fields that apply to the form's profile, keyed by
/// [`Field::name`], as typed (trimmed). `diagnosis` is the [`Tree`] exactly as it serializes,
/// so it deserializes back into an equal `Tree`; should a secret of the form ever be found in it,
/// it is redacted there (the tree is then written from its parsed value, keys sorted).
pub fn json(tree: &Tree, form: &Form, page_version: &str) -> String {
    let scrub = Scrubber::for_form(form);
    let profile = form.profile();
    let inputs = Field::ALL
        .into_iter()
        .filter(|f| f.applies_to(profile) && !f.is_secret())
        .map(|f| (f.name(), scrub.text(form.get(f).trim()).into_owned()))
        .collect();
    let diagnosis = match serde_json::to_value(tree) {
        Ok(mut value) => {
            if scrub.value(&mut value) {
                Diagnosis::Scrubbed(value)
            } else {
                Diagnosis::Tree(tree)
            }
        }
        Err(_) => Diagnosis::Tree(tree),
    };
    let envelope = Envelope {
        schema: REPORT_SCHEMA,
        schema_version: REPORT_SCHEMA_VERSION,
        page_version: scrub.text(page_version).into_owned(),
        generated_by: GENERATED_BY,
        inputs: Inputs(inputs),
        diagnosis,
    };
    serde_json::to_string_pretty(&envelope).expect("a report always serializes")
}

#[derive(serde::Serialize)]
struct Envelope<'a> {
    schema: &'static str,
    schema_version: u32,
    page_version: String,
    generated_by: &'static str,
    inputs: Inputs,
    diagnosis: Diagnosis<'a>,
}

/// The inputs as a JSON object, in the form's order.
struct Inputs(Vec<(&'static str, String)>);

impl Serialize for Inputs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum Diagnosis<'a> {
    /// The tree as is, fields in their declared order (the normal case).
    Tree(&'a Tree),
    /// The tree after a secret was redacted from it.
    Scrubbed(Value),
}

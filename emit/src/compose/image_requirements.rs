//! What a service's image must hold for `up` to succeed, as the stack states it
//! ([`stack_dsl::ImageFacts::requires`]): no Compose key can provide it, so the header lists it
//! for whoever builds the image.

use stack_dsl::ValidStack;

/// One header line per stated requirement, naming the service and its image.
pub fn notes(stack: &ValidStack) -> Vec<String> {
    stack
        .services()
        .filter_map(|service| service.image_facts.as_ref().map(|facts| (service, facts)))
        .flat_map(|(service, facts)| {
            facts
                .requires
                .iter()
                .map(move |what| format!("The image {service} runs must {what}", service = service.name))
        })
        .collect()
}

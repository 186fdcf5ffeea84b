/** The e-mail an administrator sends Lookout Enterprise Support to open the enterprise account. */

export interface OnboardingFacts {
    tenantId: string;
    fullAccessGroup: { objectId: string; displayName: string };
    restrictedAccessGroup?: { objectId: string; displayName: string };
    lookoutClientId?: string;
}

export function onboardingRequestText(facts: OnboardingFacts): string {
    const lines = [
        `Subject: Lookout Mobile Threat Protection onboarding for Entra tenant ${facts.tenantId}`,
        "",
        "Hello Lookout Enterprise Support,",
        "",
        "Please set up our Lookout MTP enterprise account with these Microsoft Entra ID details:",
        "",
        `- Entra tenant ID: ${facts.tenantId}`,
        `- Object ID of the group for full console access ('${facts.fullAccessGroup.displayName}'): ${facts.fullAccessGroup.objectId}`,
        facts.restrictedAccessGroup
            ? `- Object ID of the group for restricted console access ('${facts.restrictedAccessGroup.displayName}'): ${facts.restrictedAccessGroup.objectId}`
            : "- Restricted console access: not used",
        "",
        facts.lookoutClientId
            ? `Admin consent for the Lookout app (client ID ${facts.lookoutClientId}) is granted in our tenant as code.`
            : "Admin consent for the Lookout app will be granted by a Global Administrator at the consent URL you send us.",
        "",
        "Thank you.",
    ];
    return lines.join("\n");
}

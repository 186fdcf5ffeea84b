// The dev stack's program as another team runs it: the same stack, from the installed package
// (`npm run bench` installs dist/ here as a copy, as npm would). Compared with this repository's
// own program, which runs from TypeScript sources.
import { onboarding } from "@lookout-mtp/onboarding";

export = onboarding.onboardingStack;

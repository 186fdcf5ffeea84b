/**
 * lookout-mtp's guardrails: `pulumi preview --policy-pack policy` refuses a change that would break
 * the onboarding (mandatory) and points out what deviates from Lookout's advice (advisory).
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

new PolicyPack("lookout-mtp", { policies: allPolicies });

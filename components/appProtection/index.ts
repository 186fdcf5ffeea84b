export { AppProtection, type AppProtectionArgs, declareAppProtection } from "./threatProtection";
export { type FoundAppProtectionPolicy, findAppProtectionPolicies } from "./policies";

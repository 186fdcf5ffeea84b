/** The run's sign-in: who it signed in as, in which tenant, and whether that identity may make the declared writes. */
export { checkSignedInIdentity } from "./identityCheck";

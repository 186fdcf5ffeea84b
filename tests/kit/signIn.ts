/**
 * A person signing in with a device code as `npm run sign-in` does, the test acting as their browser:
 * it enters the code, the name and the password on the emulator's page. A page that refuses them
 * fails at once, instead of leaving the sign-in polling until its code expires.
 */
import { signInWithDeviceCode, type UserSignInTarget } from "../../providers/graph/signIn/userSignIn";

export async function signInAs(
    target: UserSignInTarget,
    person: { userPrincipalName: string; password: string },
): Promise<Awaited<ReturnType<typeof signInWithDeviceCode>>> {
    let entered: (page: Promise<Response>) => void = () => undefined;
    const page = new Promise<Response>((resolve, reject) => {
        entered = (answer) => answer.then(resolve, reject);
    });
    const signedIn = signInWithDeviceCode(target, (_message, code) =>
        entered(
            fetch(code.verificationUri, {
                method: "POST",
                body: new URLSearchParams({
                    code: code.userCode,
                    username: person.userPrincipalName,
                    password: person.password,
                }),
            }),
        ),
    );
    const answer = await Promise.race([page, signedIn.then(() => undefined)]);
    if (answer && !answer.ok) {
        signedIn.catch(() => undefined);
        throw new Error(
            `the sign-in page refused ${person.userPrincipalName}: ${answer.status} ${await answer.text()}`,
        );
    }
    return signedIn;
}

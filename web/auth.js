// Sign-in with the Firebase Auth JS SDK, loaded only when needed (it is most of the
// client's weight). The session lives in sessionStorage: it ends with the tab, no cookie.
import { loadConfig, useTokens } from "./api.js";

const SESSION_MARK = "firebase:authUser:";
let loaded = null;

async function sdk() {
  if (!loaded) {
    loaded = (async () => {
      const config = await loadConfig();
      const app = await import("./vendor/firebase-app.js");
      const auth = await import("./vendor/firebase-auth.js");
      const instance = auth.initializeAuth(app.initializeApp(config.firebase), {
        persistence: auth.browserSessionPersistence,
      });
      if (config.authEmulator) auth.connectAuthEmulator(instance, config.authEmulator, { disableWarnings: true });
      await instance.authStateReady();
      useTokens(async () => (instance.currentUser ? instance.currentUser.getIdToken() : null));
      return { auth, instance };
    })();
  }
  return loaded;
}

/** True when this tab may hold a session (then the SDK is loaded to restore it). */
export function mayBeSignedIn() {
  return Object.keys(sessionStorage).some((key) => key.startsWith(SESSION_MARK)) || loaded !== null;
}

/** The signed-in person ({email}) or null. */
export async function currentUser() {
  if (!mayBeSignedIn()) return null;
  const { instance } = await sdk();
  return instance.currentUser;
}

/** Sign in, or create the account when ``create``; throws the SDK error (with its code). */
export async function signIn(email, password, create) {
  const { auth, instance } = await sdk();
  const call = create ? auth.createUserWithEmailAndPassword : auth.signInWithEmailAndPassword;
  return (await call(instance, email, password)).user;
}

export async function signOut() {
  const { auth, instance } = await sdk();
  await auth.signOut(instance);
}

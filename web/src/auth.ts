// Signing in: each page keeps its bearer token (from the silo's /api/auth/* endpoints) and sends it with its requests and
// on its hub's URL. The control room keeps it for the browser tab (sessionStorage); a driver's phone keeps it across
// visits (localStorage) until it expires or the driver signs out.

export interface SignedIn {
  accessToken: string;
  tokenType: string;
  expiresAt: string;
  name: string;
  roles: string[];
}

/** Why a sign-in failed: refused (401), too many tries (429, with the seconds to wait), or another answer. */
export interface SignInRefused {
  status: number;
  detail: string;
  retryAfterSeconds: number | null;
}

export class Session {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
  ) {}

  /** The token kept, while it has at least a minute to live. */
  get current(): SignedIn | null {
    const text = this.storage.getItem(this.key);
    if (!text) {
      return null;
    }
    try {
      const signedIn = JSON.parse(text) as SignedIn;
      if (Date.parse(signedIn.expiresAt) - Date.now() > 60_000) {
        return signedIn;
      }
    } catch {
      // A token kept by another version of the page: sign in again.
    }
    this.storage.removeItem(this.key);
    return null;
  }

  get token(): string {
    return this.current?.accessToken ?? "";
  }

  async signIn(path: string, body: unknown): Promise<SignedIn | SignInRefused> {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (response.ok) {
      const signedIn = (await response.json()) as SignedIn;
      this.storage.setItem(this.key, JSON.stringify(signedIn));
      return signedIn;
    }
    let detail = response.statusText;
    try {
      detail = ((await response.json()) as { detail?: string }).detail ?? detail;
    } catch {
      // No problem body: the status says it.
    }
    const retryAfter = Number(response.headers.get("Retry-After"));
    return { status: response.status, detail, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null };
  }

  signOut(): void {
    this.storage.removeItem(this.key);
  }

  /** A GET with the token; a 401 forgets it (expired or revoked), so that the page asks to sign in again. */
  async fetch(path: string): Promise<Response> {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${this.token}` } });
    if (response.status === 401) {
      this.signOut();
    }
    return response;
  }
}

export function isRefused(result: SignedIn | SignInRefused): result is SignInRefused {
  return (result as SignInRefused).status !== undefined;
}

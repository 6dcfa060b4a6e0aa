"""The reference web client (``web/``): served by the gateway at ``/app/``, exported for Hosting.

The client is plain ES modules, no build. Two things are added around ``web/``:

* the Firebase Auth JS SDK, from the pinned ``firebase`` npm package
  (``package-lock.json``), served under ``/app/vendor/``. Its published browser
  modules import the app module from Google's CDN by absolute URL; that one import
  is pointed at the local copy, so the page never loads code from another origin;
* ``config.json``: where the API is and how to reach Firebase Auth (locally the
  Auth emulator, whose address the stack knows).

Text responses are gzip-compressed when the browser accepts it, as Hosting does, so
the first-load figure measured by the browser tests is the one a person pays.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = ROOT / "web"
FIREBASE_DIR = ROOT / "node_modules" / "firebase"
PREFIX = "/app/"
VENDOR = "vendor/"
# The SDK's browser modules (ESM) the client imports: app, then auth.
VENDOR_FILES = ("firebase-app.js", "firebase-auth.js")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
COMPRESSED_TYPES = ("text/", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class ClientConfig:
    """What the client reads from ``config.json`` at start."""

    api_base: str
    firebase_api_key: str
    firebase_project_id: str
    auth_emulator: str | None
    policy_version: str
    # Where vault files go and come from through signed URLs (locally the storage
    # emulator); the page's CSP must let ``fetch``/XHR reach it.
    storage_origin: str | None = None

    def as_json(self) -> bytes:
        document = {
            "apiBase": self.api_base,
            "firebase": {
                "apiKey": self.firebase_api_key,
                "projectId": self.firebase_project_id,
                "authDomain": f"{self.firebase_project_id}.firebaseapp.com",
            },
            "authEmulator": self.auth_emulator,
            "policyVersion": self.policy_version,
        }
        return json.dumps(document, indent=2).encode() + b"\n"


def firebase_version() -> str:
    """The installed (locked) version of the ``firebase`` package."""
    manifest = json.loads((FIREBASE_DIR / "package.json").read_text())
    return str(manifest["version"])


def vendor_file(name: str) -> bytes:
    """One SDK module, its CDN import of the app module pointed at the sibling file."""
    if name not in VENDOR_FILES:
        raise FileNotFoundError(name)
    body = (FIREBASE_DIR / name).read_bytes()
    cdn = f"https://www.gstatic.com/firebasejs/{firebase_version()}/firebase-app.js"
    return body.replace(cdn.encode(), b"./firebase-app.js")


def content_security_policy(connect_sources: list[str]) -> str:
    """Scripts, styles and images from the client's own origin only; API and Auth for fetches."""
    connect = " ".join(["'self'", *connect_sources])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        f" connect-src {connect}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


@dataclass(frozen=True)
class StaticFile:
    """A file of the client ready to send: body, content type, whether it was gzipped."""

    body: bytes
    content_type: str
    gzipped: bool


def read_client_file(path: str, config: ClientConfig, accepts_gzip: bool) -> StaticFile | None:
    """The file at ``/app/<path>``, or None when the client has no such file."""
    name = path or "index.html"
    if name == "config.json":
        body = config.as_json()
    elif name.startswith(VENDOR):
        try:
            body = vendor_file(name.removeprefix(VENDOR))
        except FileNotFoundError:
            return None
    else:
        target = (WEB_DIR / name).resolve()
        if not target.is_relative_to(WEB_DIR.resolve()) or not target.is_file():
            return None
        body = target.read_bytes()
    suffix = Path(name).suffix
    content_type = CONTENT_TYPES.get(suffix) or (
        mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    if accepts_gzip and content_type.startswith(COMPRESSED_TYPES):
        return StaticFile(gzip.compress(body, compresslevel=9), content_type, True)
    return StaticFile(body, content_type, False)


# Where Firebase Auth's browser SDK sends sign-in requests in production.
FIREBASE_AUTH_ORIGINS = (
    "https://identitytoolkit.googleapis.com",
    "https://securetoken.googleapis.com",
)
# Where V4 signed URLs of Cloud Storage point: the vault upload's PUT goes there
# (the bucket's CORS rule, infra/storage.tf, admits the app's origin).
STORAGE_ORIGIN = "https://storage.googleapis.com"


def export_for_hosting(target: Path, config: ClientConfig) -> list[Path]:
    """Write the deployable client to ``target``: ``web/``, the SDK modules, ``config.json``.

    Hosting serves static headers only, so the page carries its CSP itself (a meta
    tag naming the API's origin and Firebase Auth's); framing is refused by the
    ``X-Frame-Options`` header of ``firebase.json``.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(WEB_DIR, target)
    policy = content_security_policy(
        [config.api_base, *FIREBASE_AUTH_ORIGINS, config.storage_origin or STORAGE_ORIGIN]
    )
    policy = policy.replace(" frame-ancestors 'none';", "")  # not allowed in a meta tag
    index = target / "index.html"
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    charset = '<meta charset="utf-8">'
    index.write_text(index.read_text().replace(charset, f"{charset}\n  {meta}", 1))
    (target / "vendor").mkdir(exist_ok=True)
    for name in VENDOR_FILES:
        (target / "vendor" / name).write_bytes(vendor_file(name))
    (target / "config.json").write_bytes(config.as_json())
    return sorted(path for path in target.rglob("*") if path.is_file())

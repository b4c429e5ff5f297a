"""The backup file format: a gzip'd tar of ``manifest.json`` and the database, optionally
encrypted.

An encrypted file is ``MAGIC | salt (16) | nonce (12) | AES-256-GCM ciphertext | tag (16)``,
the key derived from a passphrase (or a key file's bytes) with scrypt. Encryption and
decryption stream in chunks so a large database never sits in memory. Decrypted bytes are
used only after the tag has verified.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from salon_tui.i18n import _

MAGIC = b"SALONBAK-AESGCM1"
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
CHUNK = 1 << 20
MANIFEST_NAME = "manifest.json"
ARCHIVE_SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".tar.gz.enc"


class ArchiveError(Exception):
    """The file is not a backup this version can read, or its secret is wrong."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _key(secret: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(secret)


def pack(database_file: Path, database_name: str, manifest: dict[str, Any], target: Path) -> None:
    """Write ``target`` (gzip'd tar) holding the manifest and the database file."""
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size = len(manifest_bytes)
        info.mtime = 0
        archive.addfile(info, io.BytesIO(manifest_bytes))
        archive.add(database_file, arcname=database_name, recursive=False)


def encrypt(source: Path, target: Path, secret: bytes) -> None:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(_key(secret, salt)), modes.GCM(nonce)).encryptor()
    with source.open("rb") as plain, target.open("wb") as sealed:
        sealed.write(MAGIC + salt + nonce)
        for chunk in iter(lambda: plain.read(CHUNK), b""):
            sealed.write(encryptor.update(chunk))
        sealed.write(encryptor.finalize())
        sealed.write(encryptor.tag)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt(source: Path, target: Path, secret: bytes) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    size = source.stat().st_size
    header = len(MAGIC) + SALT_BYTES + NONCE_BYTES
    if size < header + TAG_BYTES:
        raise ArchiveError(_("the encrypted file is truncated"))
    with source.open("rb") as sealed, target.open("wb") as plain:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise ArchiveError(_("not an encrypted salon_tui backup"))
        salt, nonce = sealed.read(SALT_BYTES), sealed.read(NONCE_BYTES)
        sealed.seek(size - TAG_BYTES)
        tag = sealed.read(TAG_BYTES)
        sealed.seek(header)
        decryptor = Cipher(algorithms.AES(_key(secret, salt)), modes.GCM(nonce, tag)).decryptor()
        remaining = size - header - TAG_BYTES
        while remaining:
            chunk = sealed.read(min(CHUNK, remaining))
            if not chunk:
                raise ArchiveError(_("the encrypted file is truncated"))
            remaining -= len(chunk)
            plain.write(decryptor.update(chunk))
        try:
            decryptor.finalize()
        except InvalidTag:
            raise ArchiveError(_("wrong passphrase, or the file was damaged")) from None


def _safe_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive.getmembers():
        if not member.isfile() or "/" in member.name or member.name.startswith("."):
            raise ArchiveError(
                _("unexpected entry {name!r} in the backup").format(name=member.name)
            )
        yield member


@contextmanager
def opened(
    path: Path, secret: bytes | None, workdir: Path
) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpack ``path`` into ``workdir``: yields the manifest and the database file."""
    plain = path
    if is_encrypted(path):
        if secret is None:
            raise ArchiveError(_("this backup is encrypted: give its passphrase or key file"))
        plain = workdir / "backup.tar.gz"
        decrypt(path, plain, secret)
    try:
        with tarfile.open(plain, "r:gz") as archive:
            members = {member.name: member for member in _safe_members(archive)}
            if MANIFEST_NAME not in members:
                raise ArchiveError(_("the backup has no manifest"))
            manifest_file = archive.extractfile(members[MANIFEST_NAME])
            assert manifest_file is not None
            manifest: dict[str, Any] = json.loads(manifest_file.read())
            name = str(manifest.get("database_file", ""))
            if name not in members:
                raise ArchiveError(_("the backup has no database file"))
            target = workdir / name
            source = archive.extractfile(members[name])
            assert source is not None
            with target.open("wb") as out:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    out.write(chunk)
    except (
        tarfile.TarError,
        EOFError,
        gzip.BadGzipFile,
        zlib.error,
        json.JSONDecodeError,
    ) as error:
        raise ArchiveError(
            _("the backup file is damaged ({detail})").format(detail=error)
        ) from error
    yield manifest, target

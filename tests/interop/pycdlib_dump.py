#!/usr/bin/python3
"""Dump every entry of one namespace of an ISO image as JSON, read by pycdlib.

Usage: pycdlib_dump.py IMAGE rr|joliet|iso9660|udf

Prints one JSON object: {"namespace": ..., "entries": [...]}. Each entry has
"path" (relative, no leading slash, names decoded as UTF-8 or UTF-16BE), "type"
(file, directory, symlink, fifo, char_device, block_device, socket), "size",
"sha256" (files only, computed by streaming the file's data out of the image),
"mtime" (seconds since 1970, UTC). In the rr namespace also "mode" (permission
bits incl. setuid/setgid/sticky), "uid", "gid", "nlink", "ino" (when the PX
record has a serial number), "atime" (when recorded), "target" (symlinks) and
"rdev" (devices). In the iso9660 namespace names keep their ";1" version. In the
udf namespace "type" is file, directory or symlink (from the ICB file type),
"nlink" the File Entry's link count, "hidden" the FID's existence bit, "uid",
"gid", "udf_permissions" (ECMA-167 4/14.9.5) and "mtime" from the File Entry,
and a symlink's "target" is decoded here from the ECMA-167 4/14.16 path
components pycdlib reads out of its data.

Judged tests run this with Debian's /usr/bin/python3 (python3-pycdlib). Any
pycdlib exception is fatal: the image is reported unreadable with exit status 3.
"""

import calendar
import hashlib
import json
import stat
import sys

import pycdlib

CHUNK = 1 << 20

TYPES = {
    stat.S_IFREG: "file",
    stat.S_IFDIR: "directory",
    stat.S_IFLNK: "symlink",
    stat.S_IFIFO: "fifo",
    stat.S_IFCHR: "char_device",
    stat.S_IFBLK: "block_device",
    stat.S_IFSOCK: "socket",
}


def to_epoch(date):
    """ECMA-119 9.1.5 (7 bytes) or 8.4.26.1 (17 bytes) date to seconds since 1970."""
    if date is None:
        return None
    if hasattr(date, "years_since_1900"):
        fields = (1900 + date.years_since_1900, date.month, date.day_of_month,
                  date.hour, date.minute, date.second)
    else:
        fields = (date.year, date.month, date.dayofmonth, date.hour,
                  date.minute, date.second)
    if fields[1] == 0 or fields[2] == 0:
        return None
    return calendar.timegm(fields + (0, 0, 0)) - date.gmtoffset * 15 * 60


def rr_entries(rec):
    rr = rec.rock_ridge
    return [rr.dr_entries, rr.ce_entries]


def rr_record(rec, name):
    for entries in rr_entries(rec):
        value = getattr(entries, name)
        if value is not None:
            return value
    return None


def hash_file(iso, kwargs):
    digest = hashlib.sha256()
    size = 0
    with iso.open_file_from_iso(**kwargs) as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def describe(iso, namespace, path, rec, encoding):
    key = {"rr": "rr_path", "joliet": "joliet_path", "iso9660": "iso_path"}[namespace]
    entry = {"path": path.lstrip("/")}
    mtime = to_epoch(rec.date)
    if namespace == "rr":
        if rec.rock_ridge is None:
            raise SystemExit("no Rock Ridge entry for " + path)
        px = rr_record(rec, "px_record")
        if px is None:
            raise SystemExit("no Rock Ridge PX record for " + path)
        fmt = stat.S_IFMT(px.posix_file_mode)
        entry["type"] = TYPES.get(fmt, "unknown(%o)" % fmt)
        entry["mode"] = stat.S_IMODE(px.posix_file_mode)
        entry["uid"] = px.posix_user_id
        entry["gid"] = px.posix_group_id
        entry["nlink"] = px.posix_file_links
        if px.posix_serial_number is not None:
            entry["ino"] = px.posix_serial_number
        tf = rr_record(rec, "tf_record")
        if tf is not None:
            # RRIP 4.1.6: TF flag bit 0 CREATION, bit 1 MODIFY, bit 2 ACCESS, bit 3 ATTRIBUTES,
            # recorded in bit order. pycdlib 1.12 parses them in bit order but names bit 1
            # "access_time" and bit 2 "modification_time", so read them by position.
            modify = getattr(tf, tf.FIELDNAMES[1])
            access = getattr(tf, tf.FIELDNAMES[2])
            if modify is not None:
                mtime = to_epoch(modify)
            if access is not None:
                entry["atime"] = to_epoch(access)
        if rec.rock_ridge.is_symlink():
            entry["target"] = rec.rock_ridge.symlink_path().decode(encoding)
        pn = rr_record(rec, "pn_record")
        if pn is not None:
            entry["rdev"] = (pn.dev_t_high << 32) | pn.dev_t_low
    else:
        entry["type"] = "directory" if rec.is_dir() else "file"
    entry["mtime"] = mtime
    if entry["type"] == "file":
        size, digest = hash_file(iso, {key: path})
        entry["size"] = size
        entry["sha256"] = digest
        entry["record_size"] = rec.get_data_length()
    else:
        entry["size"] = 0
    return entry


def child_name(namespace, child, encoding):
    if namespace == "rr":
        return child.rock_ridge.name().decode(encoding)
    return child.file_identifier().decode(encoding)


def walk(iso, namespace):
    key = {"rr": "rr_path", "joliet": "joliet_path", "iso9660": "iso_path"}[namespace]
    encoding = "utf-16_be" if namespace == "joliet" else "utf-8"
    out = []
    pending = ["/"]
    while pending:
        folder = pending.pop()
        for child in iso.list_children(**{key: folder}):
            if child is None or child.is_dot() or child.is_dotdot():
                continue
            if namespace == "rr" and child.rock_ridge is None:
                raise SystemExit("no Rock Ridge entry under " + folder)
            name = child_name(namespace, child, encoding)
            path = folder.rstrip("/") + "/" + name
            entry = describe(iso, namespace, path, child, "utf-8")
            out.append(entry)
            if entry["type"] == "directory":
                pending.append(path)
    return out


def udf_target(data):
    """ECMA-167 4/14.16.1 path components to a POSIX path."""
    parts, pos, absolute = [], 0, False
    while pos + 4 <= len(data):
        kind, length = data[pos], data[pos + 1]
        ident = data[pos + 4:pos + 4 + length]
        pos += 4 + length
        if kind == 2:
            absolute = True
        elif kind == 3:
            parts.append("..")
        elif kind == 4:
            parts.append(".")
        elif kind == 5:
            parts.append(ident[1:].decode("latin-1" if ident[:1] == b"\x08" else "utf-16_be"))
    return ("/" if absolute else "") + "/".join(parts)


def udf_epoch(ts):
    """ECMA-167 1/7.3 timestamp to seconds (pycdlib gives the signed minutes from UTC)."""
    offset = 0 if ts.tz == -2047 else ts.tz
    return calendar.timegm((ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second,
                            0, 0, 0)) - offset * 60


def udf_symlink_data(iso, entry):
    """The data of a symlink's File Entry, through the allocation descriptors pycdlib parsed
    (pycdlib hands out the data of regular files only)."""
    data = b""
    start = iso.udf_main_descs.partitions[0].part_start_location
    for ad in entry.alloc_descs:
        if isinstance(ad, pycdlib.udf.UDFInlineAD):
            iso._cdfp.seek(ad.log_block_num * 2048 + ad.offset)
        else:
            iso._cdfp.seek((start + ad.log_block_num) * 2048)
        data += iso._cdfp.read(ad.extent_length)
    return data[:entry.info_len]


def udf_walk(iso):
    out = []
    pending = ["/"]
    while pending:
        folder = pending.pop()
        for child in iso.list_children(udf_path=folder):
            if child is None or child.file_ident is None or child.file_ident.isparent:
                continue
            name = child.file_ident.fi.decode(child.file_ident.encoding)
            path = folder.rstrip("/") + "/" + name
            entry = {"path": path.lstrip("/"), "nlink": child.file_link_count,
                     "hidden": bool(child.file_ident.file_characteristics & 1),
                     "uid": child.uid, "gid": child.gid, "udf_permissions": child.perms,
                     "mtime": udf_epoch(child.mod_time)}
            if child.is_dir():
                entry["type"] = "directory"
                pending.append(path)
            elif child.is_symlink():
                entry["type"] = "symlink"
                entry["target"] = udf_target(udf_symlink_data(iso, child))
            else:
                entry["type"] = "file"
                entry["size"], entry["sha256"] = hash_file(iso, {"udf_path": path})
            out.append(entry)
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("rr", "joliet", "iso9660", "udf"):
        sys.stderr.write("usage: pycdlib_dump.py IMAGE rr|joliet|iso9660|udf\n")
        return 1
    iso = pycdlib.PyCdlib()
    try:
        iso.open(sys.argv[1])
        entries = udf_walk(iso) if sys.argv[2] == "udf" else walk(iso, sys.argv[2])
        iso.close()
    except pycdlib.pycdlibexception.PyCdlibException as e:
        sys.stderr.write("pycdlib: %s: %s\n" % (type(e).__name__, e))
        return 3
    json.dump({"namespace": sys.argv[2], "entries": entries}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

// Directory streams: the listing an open directory hands out piece by piece (fd_readdir, a
// program's readdir). The listing is taken once, when a read starts from the beginning (cookie
// 0: opendir, rewinddir) or on the first read of the description, and later reads resume inside
// it by position, so a cookie costs O(1) whatever the directory's size or file system (not a
// fresh listing and a scan from the start on every call). Entries created or removed after the
// listing was taken show up from the next rewind, as POSIX allows; removing entries while
// reading (rm -r) never shifts or skips the ones not yet read.
import type { FileDescription } from './file_description.js';
import type { Dirent } from './inode.js';

const listings = new WeakMap<FileDescription, readonly Dirent[]>();

/**
 * The listing of the open directory `desc` to read from: a new one made by `list` when `rewind`
 * (a read from the start) or when the description has none yet, else the one taken before.
 */
export function directoryListing(desc: FileDescription, rewind: boolean, list: () => Dirent[]): readonly Dirent[] {
  let entries = rewind ? undefined : listings.get(desc);
  if (entries === undefined) {
    entries = list();
    listings.set(desc, entries);
  }
  return entries;
}

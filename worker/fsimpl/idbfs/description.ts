// Open files and directories of idbfs: the vfs's RegularFileDescription / DirectoryDescription
// (offset, append, seek rules are shared with every file system), except that fd_sync and
// fd_datasync return a Promise that settles once the file system's write-back has reached
// IndexedDB — rejecting with SysError(NOSPC) when the storage quota is exceeded, or
// SysError(IO) when the flush failed otherwise.
import { DirectoryDescription, RegularFileDescription, type FileData } from '../../vfs/regular_file.js';
import type { Inode, OpenOptions } from '../../vfs/inode.js';

/** What a description needs of its file system: a durable flush. */
export interface Syncable {
  sync(): Promise<void>;
}

export class IdbfsFileDescription extends RegularFileDescription {
  constructor(
    private readonly owner: Syncable,
    inode: Inode,
    data: FileData,
    opts: OpenOptions,
    onModify: () => void,
  ) {
    super(inode, data, opts, onModify);
  }

  override sync(): Promise<void> {
    return this.owner.sync();
  }

  override datasync(): Promise<void> {
    return this.owner.sync();
  }
}

/** fsync on a directory stores its entries (creates, renames, unlinks) like fsync on a file. */
export class IdbfsDirectoryDescription extends DirectoryDescription {
  constructor(private readonly owner: Syncable, inode: Inode) {
    super(inode);
  }

  override sync(): Promise<void> {
    return this.owner.sync();
  }

  override datasync(): Promise<void> {
    return this.owner.sync();
  }
}

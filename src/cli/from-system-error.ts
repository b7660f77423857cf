import { ConfigError, InputError, type DubanError, type ErrorCode } from '../errors.ts';

/**
 * Errors from Node itself (a busy port, a missing file, a mistyped option) as our own errors, so the
 * CLI says them the one way it says every error: in Chinese, with the fix. Null for anything else: a
 * real bug keeps its stack.
 */
export function fromSystemError(e: unknown): DubanError | null {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = err?.path ?? (err?.port !== undefined ? `${err.address ?? ''}:${err.port}` : `（${err?.message}）`);
  // Paths and options come from the operator's command line: input, in our terms.
  const make = (code: ErrorCode, message: string, hint: string) => new InputError(code, message, hint, { cause: e });
  switch (err?.code) {
    case 'EADDRINUSE':
      return new ConfigError(`端口 ${where} 已被占用`, '停止占用该端口的程序，或用 DUBAN_HTTP_PORT 换一个端口（0 表示不开健康检查端口）', { cause: e });
    case 'EACCES':
    case 'EPERM':
      return make('IO_FAILED', `没有权限访问 ${where}`, '检查文件或目录权限，或换一个可写的位置');
    case 'ENOENT':
      return make('NOT_FOUND', `找不到 ${where}`, '检查路径是否正确，所在目录是否存在');
    case 'EISDIR':
      return make('IO_FAILED', `${where} 是目录，这里需要文件`, '指定目录中的具体文件');
    case 'ENOTDIR':
    case 'EEXIST':
      return make('IO_FAILED', `${where} 不能用作目录（已有同名文件）`, '换一个目录路径');
    case 'ENOSPC':
      return make('IO_FAILED', `磁盘空间不足，无法写入 ${where}`, '清理磁盘后重试');
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return make('IMPORT_INVALID', `参数有误：${err.message}`, '加 --help 查看该命令的用法');
    default:
      return null;
  }
}

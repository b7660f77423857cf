/**
 * Errors from Node itself (a busy port, a missing file, a mistyped option) said in Chinese with the
 * fix, instead of a stack trace. Returns null for anything else: a real bug keeps its stack.
 */
export function describeSystemError(e: unknown): string | null {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  const where = err.path ?? (err.port !== undefined ? `${err.address ?? ''}:${err.port}` : `（${err?.message}）`);
  switch (err?.code) {
    case 'EADDRINUSE':
      return `端口 ${where} 已被占用\n  → 停止占用该端口的程序，或用 DUBAN_HTTP_PORT 换一个端口（0 表示不开健康检查端口）`;
    case 'EACCES':
    case 'EPERM':
      return `没有权限访问 ${where}\n  → 检查文件或目录权限，或换一个可写的位置`;
    case 'ENOENT':
      return `找不到 ${where}\n  → 检查路径是否正确，所在目录是否存在`;
    case 'EISDIR':
      return `${where} 是目录，这里需要文件\n  → 指定目录中的具体文件`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${where} 不能用作目录（已有同名文件）\n  → 换一个目录路径`;
    case 'ENOSPC':
      return `磁盘空间不足，无法写入 ${where}\n  → 清理磁盘后重试`;
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `参数有误：${err.message}\n  → 加 --help 查看该命令的用法`;
    default:
      return null;
  }
}

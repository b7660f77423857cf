import { createRequire } from 'node:module';
import { GlobalFonts } from '@napi-rs/canvas';

export const FONT_FAMILY = 'NotoSansSC';
export const FONT_FAMILY_BOLD = 'NotoSansSC Bold';

let registered = false;

/**
 * Registers Noto Sans SC (from the @expo-google-fonts package, installed with the app) once, so
 * Chinese renders on a server with no CJK fonts installed.
 */
export function ensureFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  GlobalFonts.registerFromPath(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'), FONT_FAMILY);
  GlobalFonts.registerFromPath(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'), FONT_FAMILY_BOLD);
  registered = true;
}

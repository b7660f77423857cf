import { createRequire } from 'node:module';

export const FONT_FAMILY = 'NotoSansSC';
export const FONT_FAMILY_BOLD = 'NotoSansSC Bold';

let registered: Promise<void> | undefined;

/**
 * Registers Noto Sans SC (from the @expo-google-fonts package, installed with the app) once, so
 * Chinese renders on a server with no CJK fonts installed. The canvas library is loaded here, on
 * the first picture, not when the bot starts.
 */
export function ensureFonts(): Promise<void> {
  return (registered ??= (async () => {
    const { GlobalFonts } = await import('@napi-rs/canvas');
    const require = createRequire(import.meta.url);
    GlobalFonts.registerFromPath(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'), FONT_FAMILY);
    GlobalFonts.registerFromPath(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'), FONT_FAMILY_BOLD);
  })());
}

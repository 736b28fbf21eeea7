import { createTheme, type CSSVariablesResolver, darken, luminance, type MantineTheme } from '@mantine/core';

// Dense and calm: one accent, neutral greys, 14 px text in tables, system fonts with CJK fallbacks.
const FONT =
  'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif';

export const theme = createTheme({
  primaryColor: 'indigo',
  // The default shade (6) under white text fails WCAG AA contrast.
  primaryShade: { light: 8, dark: 8 },
  fontFamily: FONT,
  headings: { fontFamily: FONT, fontWeight: '600' },
  defaultRadius: 'sm',
  fontSizes: { xs: '12px', sm: '13px', md: '14px', lg: '16px', xl: '18px' },
  spacing: { xs: '4px', sm: '8px', md: '16px', lg: '24px', xl: '32px' },
  components: {
    // Mantine writes badges in capitals: statuses shouted in English only, and customers' tags and
    // labels shown otherwise than they were written.
    Badge: { defaultProps: { tt: 'none' } },
    Button: { defaultProps: { size: 'sm' } },
    TextInput: { defaultProps: { size: 'sm' } },
    Select: { defaultProps: { size: 'sm' } },
    Table: { defaultProps: { fz: 'md', verticalSpacing: 6, horizontalSpacing: 'sm' } },
  },
});

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The "light" variant (Alert's default, light Badges and Buttons) writes a colour's shade 9 on its
 * shade 1 (shade 2 when hovered). For yellow (2.7:1), orange, green, lime and teal that is below WCAG
 * AA's 4.5:1: such a colour's text is darkened just enough to reach 4.5:1 on the hover shade, for every
 * colour of the theme, so no Alert or Badge of any colour can fall short.
 */
function readableLightColors(theme: MantineTheme): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, shades] of Object.entries(theme.colors)) {
    let color = shades[9];
    for (let amount = 0.05; contrast(color, shades[2]) < 4.5 && amount < 1; amount += 0.05)
      color = darken(shades[9], amount);
    if (color !== shades[9]) variables[`--mantine-color-${name}-light-color`] = color;
  }
  return variables;
}

// Mantine's default secondary text (gray 6 on white) fails WCAG AA contrast; gray 7 passes.
export const cssVariablesResolver: CSSVariablesResolver = (theme) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    ...readableLightColors(theme),
  },
  dark: {},
});

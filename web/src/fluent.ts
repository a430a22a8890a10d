import '@fluentui/web-components/badge/define.js';
import '@fluentui/web-components/button/define.js';
import '@fluentui/web-components/message-bar/define.js';
import '@fluentui/web-components/spinner/define.js';
import { setTheme } from '@fluentui/web-components';
import { webLightTheme } from '@fluentui/tokens';

/**
 * Microsoft's Fluent UI web components for buttons, message bars, badges and spinners (each defined by
 * importing its define module), in the Fluent web theme, so the console looks at home beside Entra and
 * Partner Center. Form fields and tables are native elements styled with the same Fluent tokens: native
 * controls keep what was typed and are what screen readers know best.
 */
export function registerFluent(): void {
  setTheme(webLightTheme);
}

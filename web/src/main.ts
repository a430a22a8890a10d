import './styles.css';
import { loadSettings, startAuth } from './auth.js';
import { h, show } from './dom.js';
import { registerFluent } from './fluent.js';
import { ROUTES } from './routes.js';
import { startShell } from './shell.js';
import { button, messageBar } from './ui.js';

/** Signs the person in (or shows the sign-in page), then hands the page to the shell. */
async function start(): Promise<void> {
  registerFluent();
  const root = document.getElementById('app')!;
  const settings = await loadSettings();
  const { signedIn, signIn } = await startAuth(settings);
  if (signedIn) {
    startShell(root, signedIn, ROUTES);
    return;
  }
  const main = h(
    'main',
    { id: 'main', tabindex: -1, class: 'signin' },
    h('h1', {}, 'Partner subscriptions'),
    h(
      'p',
      {},
      "Hand out your organization's Visual Studio subscriptions and see who has activated theirs. " +
        'Sign in with your work account: a Program Administrator of a partner, or a platform operator.',
    ),
    button('Sign in', () => void signIn(), { appearance: 'primary' }),
  );
  show(root, main);
}

start().catch((error: unknown) => {
  const root = document.getElementById('app')!;
  show(
    root,
    h(
      'main',
      { id: 'main', tabindex: -1 },
      h('h1', {}, 'The console could not start'),
      messageBar('error', error instanceof Error ? error.message : String(error)),
    ),
  );
});

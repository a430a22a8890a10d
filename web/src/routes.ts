import type { Route } from './router.js';
import { contactsScreen } from './screens/contacts.js';
import { homeScreen } from './screens/home.js';
import { overviewScreen } from './screens/overview.js';
import { peopleScreen } from './screens/people.js';
import { personScreen } from './screens/person.js';

/**
 * Every screen of the console. A route with `nav` appears in the partner's navigation, in this order.
 */
export const ROUTES: Route[] = [
  { path: '/', title: 'Start', screen: homeScreen },
  { path: '/partners/:partnerId', title: 'Overview', screen: overviewScreen, nav: { label: 'Overview' } },
  { path: '/partners/:partnerId/people', title: 'People', screen: peopleScreen, nav: { label: 'People' } },
  { path: '/partners/:partnerId/people/:personId', title: 'Person', screen: personScreen },
  {
    path: '/partners/:partnerId/contacts',
    title: 'Technical Contacts',
    screen: contactsScreen,
    nav: { label: 'Technical Contacts', programs: ['action-pack'] },
  },
];

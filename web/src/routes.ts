import type { Route } from './router.js';
import { assignmentScreen } from './screens/assignment.js';
import { assignmentsScreen } from './screens/assignments.js';
import { homeScreen } from './screens/home.js';
import { overviewScreen } from './screens/overview.js';

/**
 * Every screen of the console. A route with `nav` appears in the partner's navigation, in this order.
 */
export const ROUTES: Route[] = [
  { path: '/', title: 'Start', screen: homeScreen },
  { path: '/partners/:partnerId', title: 'Overview', screen: overviewScreen, nav: { label: 'Overview' } },
  {
    path: '/partners/:partnerId/assignments',
    title: 'Subscriptions',
    screen: assignmentsScreen,
    nav: { label: 'Subscriptions' },
  },
  { path: '/partners/:partnerId/assignments/:assignmentId', title: 'Subscription', screen: assignmentScreen },
];

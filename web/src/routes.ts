import type { Route } from './router.js';
import { bulkScreen } from './screens/bulk.js';
import { homeScreen } from './screens/home.js';
import { overviewScreen } from './screens/overview.js';

/**
 * Every screen of the console. A route with `nav` appears in the partner's navigation, in this order.
 */
export const ROUTES: Route[] = [
  { path: '/', title: 'Start', screen: homeScreen },
  { path: '/partners/:partnerId', title: 'Overview', screen: overviewScreen, nav: { label: 'Overview' } },
  {
    path: '/partners/:partnerId/bulk',
    title: 'Bulk upload',
    screen: bulkScreen,
    nav: { label: 'Bulk upload' },
  },
];

import type { Route } from './router.js';
import { assignmentScreen } from './screens/assignment.js';
import { assignmentsScreen } from './screens/assignments.js';
import { auditScreen } from './screens/audit.js';
import { bulkJobScreen } from './screens/bulk-job.js';
import { bulkScreen } from './screens/bulk.js';
import { contactsScreen } from './screens/contacts.js';
import { homeScreen } from './screens/home.js';
import { overviewScreen } from './screens/overview.js';
import { partnerNewScreen } from './screens/partner-new.js';
import { partnerSettingsScreen } from './screens/partner-settings.js';
import { partnersScreen } from './screens/partners.js';
import { peopleScreen } from './screens/people.js';
import { personScreen } from './screens/person.js';

/**
 * Every screen of the console. A route with `nav` appears in the partner's navigation, in this order.
 * The first route that fits wins: /partners/new comes before /partners/:partnerId.
 */
export const ROUTES: Route[] = [
  { path: '/', title: 'Start', screen: homeScreen },
  { path: '/partners', title: 'Partners', screen: partnersScreen },
  { path: '/partners/new', title: 'Create a partner', screen: partnerNewScreen },
  { path: '/partners/:partnerId', title: 'Overview', screen: overviewScreen, nav: { label: 'Overview' } },
  { path: '/partners/:partnerId/people', title: 'People', screen: peopleScreen, nav: { label: 'People' } },
  { path: '/partners/:partnerId/people/:personId', title: 'Person', screen: personScreen },
  {
    path: '/partners/:partnerId/contacts',
    title: 'Technical Contacts',
    screen: contactsScreen,
    nav: { label: 'Technical Contacts', programs: ['action-pack'] },
  },
  {
    path: '/partners/:partnerId/assignments',
    title: 'Subscriptions',
    screen: assignmentsScreen,
    nav: { label: 'Subscriptions' },
  },
  { path: '/partners/:partnerId/assignments/:assignmentId', title: 'Subscription', screen: assignmentScreen },
  {
    path: '/partners/:partnerId/bulk',
    title: 'Bulk upload',
    screen: bulkScreen,
    nav: { label: 'Bulk upload' },
  },
  { path: '/partners/:partnerId/bulk/:jobId', title: 'Bulk job', screen: bulkJobScreen },
  {
    path: '/partners/:partnerId/audit',
    title: 'Audit log',
    screen: auditScreen,
    nav: { label: 'Audit log' },
  },
  {
    path: '/partners/:partnerId/settings',
    title: 'Settings',
    screen: partnerSettingsScreen,
    nav: { label: 'Settings', operatorOnly: true },
  },
];

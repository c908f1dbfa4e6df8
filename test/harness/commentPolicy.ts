// The default policy with a comment promise measured in seconds, for tests on
// the running system (no time skipping there): the answer is due 20 seconds
// after a comment arrives (to the minute), the moderator is reminded 10
// seconds before, and the action plan's overdue ladder climbs every 4 seconds.
import { DEFAULT_POLICY, parsePolicy } from '../../policy';

export const FAST_COMMENTS_POLICY = parsePolicy(
  {
    ...DEFAULT_POLICY,
    version: 'test-comments-fast',
    comments: { ...DEFAULT_POLICY.comments!, respondWithin: '20s', remindBefore: '10s', challenge: { minSeconds: 0, maxSeconds: 600 }, perAddressPerHour: 4 },
    actionPlan: {
      ...DEFAULT_POLICY.actionPlan,
      overdueLadder: [
        { after: '0s', notify: 'OWNER' },
        { after: '4s', notify: 'SPONSOR' },
        { after: '8s', notify: 'CITY_MANAGER' },
        { after: '12s', notify: 'BOARD_DIGEST' },
      ],
    },
  },
  'fast comments policy',
);

/**
 * The groups a channel can address, as a ChatGroup filter. A group from a directory has only a
 * topic until the bot sees it; a channel that addresses groups by id alone (WeCom, DingTalk) would
 * have every send there refused, so such a group is not picked at all.
 */
export const addressableGroups = (groupsByTopic: boolean) => (groupsByTopic ? {} : { roomId: { not: null } });

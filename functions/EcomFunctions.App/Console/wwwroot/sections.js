// Capability sections of the console. Each capability's module registers its navigation entry and routes.
export async function registerSections() {
  (await import('./campaigns.js')).registerCampaignPages();
  (await import('./moderation.js')).registerModerationPages();
  (await import('./reactivation.js')).registerReactivationPages();
  (await import('./coupons.js')).registerCouponPages();
}

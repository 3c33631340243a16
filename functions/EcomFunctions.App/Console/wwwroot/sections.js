// Capability sections of the console. Each capability's module registers its navigation entry and routes.
export async function registerSections() {
  (await import('./moderation.js')).registerModerationPages();
  // (Capability modules are added here as the capabilities land: campaigns.js, moderation.js, reactivation.js, coupons.js.)
}

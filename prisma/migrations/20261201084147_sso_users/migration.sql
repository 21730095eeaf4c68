-- Single sign-on accounts (docs/authentication.md): additive columns only, every existing user stays local.
-- CreateEnum
CREATE TYPE "UserSource" AS ENUM ('local', 'oidc', 'ldap');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "external_id" VARCHAR(1024),
ADD COLUMN     "last_login_at" TIMESTAMP(3),
ADD COLUMN     "source" "UserSource" NOT NULL DEFAULT 'local',
ADD COLUMN     "sso_checked_at" TIMESTAMP(3),
ADD COLUMN     "sso_groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "sso_issuer" VARCHAR(1024),
ADD COLUMN     "sso_refresh_token" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_sso_issuer_external_id_key" ON "users"("sso_issuer", "external_id");

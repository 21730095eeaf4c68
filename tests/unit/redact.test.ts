// What server/security/redact.ts removes from task logs, errors and API output, and what it
// leaves readable. AC's own secrets are redacted by value; the rest by shape.
import { describe, expect, it } from "vitest";
import { redact } from "@/server/security/redact";

const r = (text: string, secrets: string[] = []) => redact(text, secrets);

describe("redact", () => {
  it("hides the password of a URL, keeping scheme, user and host", () => {
    expect(r("DATABASE_URL postgresql://ac:s3cr%40t@db.internal:5432/ac failed")).toBe(
      "DATABASE_URL postgresql://ac:[redacted]@db.internal:5432/ac failed",
    );
    expect(r('"url": "https://deploy:hunter2@repo.example/x.tar.gz"')).toBe(
      '"url": "https://deploy:[redacted]@repo.example/x.tar.gz"',
    );
    expect(r("git clone https://ghp_0123456789abcdefghijABCD@github.com/o/r")).toBe(
      "git clone https://[redacted]@github.com/o/r",
    );
  });

  it("hides AC API tokens and Authorization values", () => {
    expect(r("curl -H 'Authorization: Bearer ac_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2Rl' …")).toBe(
      "curl -H 'Authorization: Bearer ac_[redacted]' …",
    );
    expect(r("token ac_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2Rl used")).toBe("token ac_[redacted] used");
    expect(r("Authorization: Basic ZGVwbG95Omh1bnRlcjI=")).toBe("Authorization: Basic [redacted]");
  });

  it("hides the value of password / secret / token / key pairs in their usual spellings", () => {
    expect(r("login password=swordfish user=olga")).toBe("login password=[redacted] user=olga");
    expect(r('{"ansible_password": "swordfish", "changed": false}')).toBe(
      '{"ansible_password": [redacted], "changed": false}',
    );
    expect(r("{'api_key': 'k-123', 'x': 1}")).toBe("{'api_key': [redacted], 'x': 1}");
    expect(r("AUTH_SECRET=abc NEXT=1")).toBe("AUTH_SECRET=[redacted] NEXT=1");
    expect(r("vault_token: s.XYZ")).toBe("vault_token: [redacted]");
  });

  it("hides AC's own secrets wherever they appear, and is stable when run twice", () => {
    const once = r("echo first-admin-pw-5521 | sudo -S", ["first-admin-pw-5521"]);
    expect(once).toBe("echo [redacted] | sudo -S");
    const twice = r(r("password=swordfish https://u:p@h/"));
    expect(twice).toBe("password=[redacted] https://u:[redacted]@h/");
  });

  it("leaves ordinary playbook output alone", () => {
    const lines = [
      "TASK [Pull registry.local/shop:1.4.2] ******",
      'ok: [web-1__shop_1] => {"changed": false, "ac_artifact_url": "https://repo.example/shop/"}',
      'fatal: [web-2__cart_1]: FAILED! => {"msg": "simulated failure updating cart_1 on web-2"}',
      "PLAY RECAP web-1__shop_1 : ok=3 changed=1 unreachable=0 failed=0",
      "ac_compose_project_dir=/opt/compose/shop",
      "[ac 12:00:01] update to 4.0 started by token:deployer: 1 batch, strategy fixed_size",
    ];
    for (const line of lines) expect(r(line)).toBe(line);
  });
});

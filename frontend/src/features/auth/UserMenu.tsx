import { Link, useNavigate } from "@tanstack/react-router";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

import { ROLE_LABELS } from "../../auth/permissions";
import { scopeSummary } from "../../auth/scope";
import { useLogout, useMe } from "../../auth/session";
import type { Me } from "../../auth/types";

const ITEM =
  "block w-full cursor-pointer px-4 py-2 text-left text-slate-800 no-underline hover:bg-slate-100";

/** Closes an open menu on Escape or a click outside `container`. */
function useDismiss(open: boolean, container: RefObject<HTMLElement | null>, close: () => void) {
  useEffect(() => {
    if (!open) {
      return undefined;
    }
    const onEvent = (event: MouseEvent | KeyboardEvent) => {
      const outside =
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !(container.current?.contains(event.target as Node) ?? false);
      if (outside) {
        close();
      }
    };
    document.addEventListener("mousedown", onEvent);
    document.addEventListener("keydown", onEvent);
    return () => {
      document.removeEventListener("mousedown", onEvent);
      document.removeEventListener("keydown", onEvent);
    };
  }, [open, container, close]);
}

/** The open menu: who is signed in and what they see, My API tokens, Sign out. */
function MenuPanel({ me, onClose }: { me: Me; onClose: () => void }) {
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div
      role="menu"
      className="absolute right-0 z-10 mt-2 w-64 rounded-lg border border-slate-200 bg-white py-1 text-[13px] shadow-card"
    >
      <p className="border-b border-slate-100 px-4 py-2 text-xs text-slate-500">
        Signed in as <span className="font-medium text-slate-800">{me.username}</span>
        <span className="mt-0.5 block" data-testid="user-scope-summary">
          Sees {scopeSummary(me.scope)}
        </span>
      </p>
      <Link to="/account" role="menuitem" className={ITEM} onClick={onClose}>
        My API tokens
      </Link>
      <button
        type="button"
        role="menuitem"
        className={`${ITEM} border-none bg-transparent`}
        disabled={logout.isPending}
        onClick={() => {
          logout.mutate(undefined, {
            onSuccess: () => {
              void navigate({ to: "/login", replace: true });
            },
          });
        }}
      >
        Sign out
      </button>
      {logout.isError && (
        <p className="px-4 py-2 text-red-700" role="alert">
          {logout.error.message}
        </p>
      )}
    </div>
  );
}

/** The header's user menu: who is signed in with which role; opens to tokens and sign out. */
export function UserMenu() {
  const me = useMe();
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const close = useCallback(() => {
    setOpen(false);
  }, []);
  useDismiss(open, container, close);

  if (me.data === undefined) {
    return null;
  }
  const { display_name: name, username, role } = me.data;
  return (
    <div className="relative ml-auto" ref={container}>
      <button
        type="button"
        data-testid="user-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        className="flex cursor-pointer items-center gap-2 rounded-lg border-none bg-transparent px-2 py-1 text-slate-200 hover:text-white"
        onClick={() => {
          setOpen(!open);
        }}
      >
        <span className="font-medium">{name === "" ? username : name}</span>
        <span className="rounded-full bg-slate-700 px-2 py-px text-xs" data-testid="user-role">
          {ROLE_LABELS[role]}
        </span>
      </button>
      {open && <MenuPanel me={me.data} onClose={close} />}
    </div>
  );
}

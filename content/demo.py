"""Demo help content for an electric and gas utility, in English and Spanish."""

from __future__ import annotations

from django.db import transaction

from content.models import FaqCategory, FaqQuestion, Page

# (slug, name, name_es, description, description_es, [(question, question_es, answer,
#  answer_es, top)])
CATEGORIES = [
    (
        "billing",
        "Your bill",
        "Su factura",
        "Reading your bill, due dates and why a bill changes.",
        "Cómo leer su factura, fechas de vencimiento y por qué cambia.",
        [
            (
                "Why is my bill higher than last month?",
                "¿Por qué mi factura es más alta que el mes pasado?",
                "Most changes come from the weather: heating and cooling use the most energy. "
                "A billing period can also be a few days longer, or a meter reading may have been "
                "estimated.\n\nSign in and open your dashboard to compare this bill with last "
                "month and last year.",
                "La mayoría de los cambios se deben al clima: la calefacción y el aire "
                "acondicionado usan la mayor parte de la energía. El período de facturación "
                "también puede tener algunos días más, o la lectura pudo ser estimada.\n\n"
                "Inicie sesión y abra su panel para comparar esta factura con la del mes "
                "pasado y la del año pasado.",
                True,
            ),
            (
                "What does an estimated reading mean?",
                "¿Qué significa una lectura estimada?",
                "When we cannot read your meter, we estimate your use from your history and the "
                "weather. The next actual reading corrects any difference automatically.",
                "Cuando no podemos leer su medidor, estimamos su consumo según su historial y "
                "el clima. La siguiente lectura real corrige cualquier diferencia "
                "automáticamente.",
                False,
            ),
            (
                "Can I get my bill by e-mail instead of paper?",
                "¿Puedo recibir mi factura por correo electrónico en lugar de papel?",
                "Yes. Enrol in **Paperless Billing** on the Programs page. We e-mail you when "
                "each bill is ready.",
                "Sí. Inscríbase en **Factura sin papel** en la página de Programas. Le "
                "enviamos un correo electrónico cuando cada factura está lista.",
                False,
            ),
            (
                "Can I pay the same amount every month?",
                "¿Puedo pagar la misma cantidad cada mes?",
                "Budget Billing spreads your yearly cost evenly over twelve months. We review "
                "the amount twice a year so there is no big catch-up bill.",
                "La facturación presupuestada reparte su costo anual en doce pagos iguales. "
                "Revisamos la cantidad dos veces al año para evitar un ajuste grande.",
                False,
            ),
        ],
    ),
    (
        "payments",
        "Payments and assistance",
        "Pagos y asistencia",
        "Ways to pay, AutoPay, payment arrangements and help paying.",
        "Formas de pago, pago automático, acuerdos de pago y ayuda para pagar.",
        [
            (
                "What are the ways to pay my bill?",
                "¿Cuáles son las formas de pagar mi factura?",
                "- Online with a bank account or card\n- AutoPay from your bank account\n"
                "- By phone, any time\n- By mail with the stub from your bill\n"
                "- In person at authorised pay stations",
                "- En línea con una cuenta bancaria o tarjeta\n- Pago automático desde su "
                "cuenta bancaria\n- Por teléfono, a cualquier hora\n- Por correo con el "
                "talón de su factura\n- En persona en centros de pago autorizados",
                True,
            ),
            (
                "I can't pay my bill in full. What can I do?",
                "No puedo pagar mi factura completa. ¿Qué puedo hacer?",
                "Contact us before the due date. We can set up a **payment arrangement** that "
                "splits the balance over several months, and tell you about energy assistance "
                "programs you may qualify for.",
                "Comuníquese con nosotros antes de la fecha de vencimiento. Podemos hacer un "
                "**acuerdo de pago** que divide el saldo en varios meses e informarle sobre "
                "programas de asistencia para los que puede calificar.",
                True,
            ),
            (
                "How do I set up AutoPay?",
                "¿Cómo activo el pago automático?",
                "Enrol in **AutoPay** on the Programs page. Your bill is paid from your bank "
                "account on the due date, and you still receive every bill to check it.",
                "Inscríbase en **Pago automático** en la página de Programas. Su factura se "
                "paga desde su cuenta bancaria en la fecha de vencimiento y usted sigue "
                "recibiendo cada factura para revisarla.",
                False,
            ),
        ],
    ),
    (
        "outages",
        "Outages and safety",
        "Apagones y seguridad",
        "Reporting an outage, gas safety and downed lines.",
        "Cómo reportar un apagón, seguridad con el gas y cables caídos.",
        [
            (
                "How do I report a power outage?",
                "¿Cómo reporto un apagón?",
                "Call our 24-hour line shown at the bottom of every page. First check your "
                "breakers or fuses; if your neighbours are out too, we may already know, but "
                "please report it anyway.",
                "Llame a nuestra línea de 24 horas que aparece al pie de cada página. Primero "
                "revise sus interruptores o fusibles; si sus vecinos también están sin luz, "
                "quizás ya lo sepamos, pero repórtelo de todos modos.",
                True,
            ),
            (
                "What should I do if I smell gas?",
                "¿Qué debo hacer si huelo a gas?",
                "**Leave the building right away.** Do not use light switches, phones or "
                "anything that could make a spark. Once you are outside and at a safe "
                "distance, call our emergency line or 911.",
                "**Salga del edificio de inmediato.** No use interruptores, teléfonos ni nada "
                "que pueda producir una chispa. Una vez afuera y a una distancia segura, llame "
                "a nuestra línea de emergencias o al 911.",
                True,
            ),
            (
                "I see a downed power line. What should I do?",
                "Veo un cable eléctrico caído. ¿Qué debo hacer?",
                "Stay at least 30 feet away and keep others away. Always assume a downed line "
                "is live. Call us or 911 right away.",
                "Manténgase al menos a 10 metros de distancia y aleje a los demás. Siempre "
                "suponga que un cable caído tiene corriente. Llámenos o llame al 911 de "
                "inmediato.",
                False,
            ),
            (
                "Will I be paid back for food lost in an outage?",
                "¿Me reembolsan la comida perdida durante un apagón?",
                "Outages caused by storms are not usually compensated. Keep your fridge and "
                "freezer closed: food stays cold for about four hours in a fridge and 48 hours "
                "in a full freezer.",
                "Los apagones causados por tormentas normalmente no se compensan. Mantenga "
                "cerrados el refrigerador y el congelador: la comida se mantiene fría unas "
                "cuatro horas en el refrigerador y 48 horas en un congelador lleno.",
                False,
            ),
        ],
    ),
    (
        "peak-time-rebates",
        "Peak Time Rebates",
        "Reembolsos en horas pico",
        "Earning credits by using less during peak events.",
        "Cómo ganar créditos usando menos energía durante los eventos pico.",
        [
            (
                "How do Peak Time Rebates work?",
                "¿Cómo funcionan los reembolsos en horas pico?",
                "On a few hot days each summer we announce a **peak event**, usually in the "
                "late afternoon. Use less electricity than your usual amount during those hours "
                "and you earn a credit on your bill. There is no penalty if you use more.",
                "Algunos días calurosos de cada verano anunciamos un **evento pico**, "
                "normalmente al final de la tarde. Use menos electricidad de lo habitual durante "
                "esas horas y ganará un crédito en su factura. No hay penalización si usa más.",
                True,
            ),
            (
                "How is my usual use (baseline) calculated?",
                "¿Cómo se calcula mi consumo habitual (línea base)?",
                "We look at the same hours on recent similar days, leaving out other event "
                "days, and use their average. Your Peak savings page shows the baseline and "
                "your result for each event.",
                "Tomamos las mismas horas de días similares recientes, sin contar otros días de "
                "evento, y usamos su promedio. Su página de Ahorros en horas pico muestra la "
                "línea base y su resultado en cada evento.",
                False,
            ),
            (
                "How will I know when a peak event is coming?",
                "¿Cómo sabré cuándo viene un evento pico?",
                "We tell you the day before by the channels you chose in your notification "
                "settings: e-mail, text message, phone call or push notification.",
                "Le avisamos el día anterior por los medios que eligió en su configuración de "
                "notificaciones: correo electrónico, mensaje de texto, llamada o notificación.",
                False,
            ),
        ],
    ),
    (
        "programs",
        "Programs and saving energy",
        "Programas y ahorro de energía",
        "Rebates, rates and ways to save.",
        "Reembolsos, tarifas y formas de ahorrar.",
        [
            (
                "Which rate is best for me?",
                "¿Qué tarifa me conviene más?",
                "If you can move laundry, dishwashing and car charging to evenings and "
                "weekends, a **time-of-use rate** can lower your bill. Otherwise the standard "
                "rate is simpler. The Programs page tells you which rates you can choose.",
                "Si puede pasar la ropa, el lavavajillas y la carga del auto a las noches y los "
                "fines de semana, una **tarifa por horario de uso** puede bajar su factura. Si "
                "no, la tarifa estándar es más sencilla. La página de Programas le indica qué "
                "tarifas puede elegir.",
                False,
            ),
            (
                "How do I get a rebate for a smart thermostat?",
                "¿Cómo obtengo un reembolso por un termostato inteligente?",
                "Choose the Smart Thermostat Rebate on the Programs page, add it to your cart "
                "and check out. We review your request and apply the rebate to your bill.",
                "Elija el Reembolso por termostato inteligente en la página de Programas, "
                "agréguelo a su carrito y complete la solicitud. Revisamos su solicitud y "
                "aplicamos el reembolso a su factura.",
                False,
            ),
            (
                "Can I leave a program?",
                "¿Puedo dejar un programa?",
                "Yes. Open **My programs**, choose the program and select leave. Some rates "
                "ask you to stay for a year before switching again.",
                "Sí. Abra **Mis programas**, elija el programa y seleccione salir. Algunas "
                "tarifas piden permanecer un año antes de cambiar de nuevo.",
                False,
            ),
        ],
    ),
    (
        "account",
        "Your account and this website",
        "Su cuenta y este sitio web",
        "Signing in, linking your account and your details.",
        "Cómo iniciar sesión, vincular su cuenta y sus datos.",
        [
            (
                "How do I link my utility account to my login?",
                "¿Cómo vinculo mi cuenta de servicio con mi usuario?",
                "After you create a login, we ask for your account number and a detail from "
                "your bill. Once they match, your home appears on your dashboard.",
                "Después de crear su usuario, le pedimos su número de cuenta y un dato de su "
                "factura. Cuando coinciden, su casa aparece en su panel.",
                True,
            ),
            (
                "I forgot my password.",
                "Olvidé mi contraseña.",
                "Choose **Sign in**, then *Forgot your password?* We e-mail you a code to set "
                "a new one. You can also sign in with a one-time code sent by e-mail.",
                "Elija **Iniciar sesión** y luego *¿Olvidó su contraseña?* Le enviamos un "
                "código por correo electrónico para crear una nueva. También puede iniciar "
                "sesión con un código de un solo uso.",
                False,
            ),
            (
                "Can someone else in my household use the portal?",
                "¿Otra persona de mi hogar puede usar el portal?",
                "Yes. Open **Homes and household** in your account menu and invite them by "
                "e-mail. They get their own login and see the same home.",
                "Sí. Abra **Casas y hogar** en el menú de su cuenta e invítelos por correo "
                "electrónico. Reciben su propio usuario y ven la misma casa.",
                False,
            ),
        ],
    ),
]

PAGES = [
    (
        "ways-to-save",
        "Ways to save energy",
        "Formas de ahorrar energía",
        "Simple changes that lower your bill in every season.",
        "Cambios sencillos que bajan su factura en cada estación.",
        "## Heating and cooling\n\n"
        "- Set the thermostat to 68 °F in winter and 78 °F in summer when you are home.\n"
        "- A smart thermostat adjusts for you when you are away or asleep.\n"
        "- Change furnace and air-conditioner filters every three months.\n\n"
        "## Around the house\n\n"
        "- Switch to LED bulbs: they use about 75% less energy.\n"
        "- Wash clothes in cold water and run full loads.\n"
        "- Unplug chargers and electronics you are not using.\n\n"
        "## During peak events\n\n"
        "Run the dishwasher and dryer after the event ends, and pre-cool your home before it "
        "starts. Peak Time Rebates pay you for every kilowatt-hour you save.",
        "## Calefacción y aire acondicionado\n\n"
        "- Ajuste el termostato a 68 °F en invierno y 78 °F en verano cuando esté en casa.\n"
        "- Un termostato inteligente se ajusta solo cuando usted no está o duerme.\n"
        "- Cambie los filtros del calefactor y del aire acondicionado cada tres meses.\n\n"
        "## En la casa\n\n"
        "- Use focos LED: consumen alrededor de un 75 % menos de energía.\n"
        "- Lave la ropa con agua fría y con cargas completas.\n"
        "- Desconecte cargadores y aparatos que no use.\n\n"
        "## Durante los eventos pico\n\n"
        "Use el lavavajillas y la secadora cuando termine el evento y enfríe su casa antes "
        "de que empiece. Los reembolsos en horas pico le pagan por cada kilovatio-hora que "
        "ahorre.",
        True,
    ),
    (
        "moving",
        "Moving? Start, stop or transfer service",
        "¿Se muda? Inicie, suspenda o transfiera su servicio",
        "Tell us at least three business days before you move.",
        "Avísenos al menos tres días hábiles antes de mudarse.",
        "## Before you move\n\n"
        "Tell us your moving date and your new address at least **three business days** "
        "ahead. Use the contact form and choose *Start, stop or move service*, or call us.\n\n"
        "## Stopping service\n\n"
        "We read the meter on your last day and send a final bill to your new address.\n\n"
        "## Starting service\n\n"
        "We may ask for identification. Service usually starts the same day when the meter "
        "is already on; gas service may need a visit to relight pilot lights.",
        "## Antes de mudarse\n\n"
        "Indíquenos su fecha de mudanza y su nueva dirección con al menos **tres días "
        "hábiles** de anticipación. Use el formulario de contacto y elija *Iniciar, suspender "
        "o trasladar el servicio*, o llámenos.\n\n"
        "## Suspender el servicio\n\n"
        "Leemos el medidor su último día y enviamos la factura final a su nueva dirección.\n\n"
        "## Iniciar el servicio\n\n"
        "Podemos pedirle una identificación. El servicio suele comenzar el mismo día si el "
        "medidor ya está encendido; el gas puede necesitar una visita para encender los "
        "pilotos.",
        True,
    ),
    (
        "privacy",
        "Privacy and your data",
        "Privacidad y sus datos",
        "What we collect, why, and the choices you have.",
        "Qué datos recopilamos, para qué y qué opciones tiene.",
        "## What we collect\n\n"
        "Your contact details, your account and premise, your energy use from your meter, and "
        "the messages you send us.\n\n"
        "## How we use it\n\n"
        "To bill you, run the programs you enrol in, send the messages you asked for, and "
        "answer your questions. We do not sell your data.\n\n"
        "## Your choices\n\n"
        "Change the messages you receive in your notification settings, and download your "
        "usage data at any time. Contact us to correct your details.",
        "## Qué recopilamos\n\n"
        "Sus datos de contacto, su cuenta y su domicilio, su consumo de energía registrado "
        "por el medidor y los mensajes que nos envía.\n\n"
        "## Cómo lo usamos\n\n"
        "Para facturarle, administrar los programas en los que se inscribe, enviarle los "
        "mensajes que pidió y responder sus preguntas. No vendemos sus datos.\n\n"
        "## Sus opciones\n\n"
        "Cambie los mensajes que recibe en su configuración de notificaciones y descargue "
        "sus datos de consumo cuando quiera. Contáctenos para corregir sus datos.",
        True,
    ),
]


@transaction.atomic
def demo_content_seed() -> dict[str, int]:
    """Create or update the demo help content (keyed by slug and question)."""
    questions = 0
    for order, (slug, name, name_es, description, description_es, items) in enumerate(CATEGORIES):
        category, _created = FaqCategory.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_es": name_es,
                "description": description,
                "description_es": description_es,
                "sort_order": (order + 1) * 10,
                "is_published": True,
            },
        )
        for position, (question, question_es, answer, answer_es, top) in enumerate(items):
            FaqQuestion.objects.update_or_create(
                category=category,
                question=question,
                defaults={
                    "question_es": question_es,
                    "answer": answer,
                    "answer_es": answer_es,
                    "sort_order": (position + 1) * 10,
                    "is_published": True,
                    "is_top": top,
                },
            )
            questions += 1
    for order, (slug, title, title_es, summary, summary_es, body, body_es, footer) in enumerate(
        PAGES
    ):
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "title_es": title_es,
                "summary": summary,
                "summary_es": summary_es,
                "body": body,
                "body_es": body_es,
                "is_published": True,
                "show_in_footer": footer,
                "sort_order": (order + 1) * 10,
            },
        )
    return {"categories": len(CATEGORIES), "questions": questions, "pages": len(PAGES)}
